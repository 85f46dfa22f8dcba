// Practicum progressive enhancement. The site works without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Ask before destructive or final actions: any button or form with data-confirm.
  // A quiz submit with unanswered questions skips the dialog: the server names them, with links.
  const unansweredIn = (form) => Array.from(form.querySelectorAll("fieldset[id^=question-]"))
    .filter((set) => set.querySelector("input[type=radio], input[type=checkbox]")
      && !set.querySelector("input:checked"));
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (el.hasAttribute("data-confirm-skip-unanswered") && el.form && unansweredIn(el.form).length) return;
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });

  // Quiz countdown: shows the time left (sticky); screen readers hear it at 5 and 1 minutes.
  // The server enforces the deadline regardless.
  document.querySelectorAll(".quiz-timer[data-deadline]").forEach((el) => {
    const deadline = new Date(el.dataset.deadline).getTime();
    const live = document.getElementById(el.dataset.announce || "");
    const said = new Set();
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const m = Math.floor(left / 60), s = String(left % 60).padStart(2, "0");
      el.textContent = left > 0 ? `${m}:${s} left` : "Time is up: your answers as saved will be graded";
      for (const mark of [5, 1]) {
        if (live && left > 0 && left <= mark * 60 && !said.has(mark)) {
          said.add(mark);
          live.textContent = `${mark} minute${mark === 1 ? "" : "s"} left.`;
        }
      }
      if (left > 0) window.setTimeout(tick, 1000);
    };
    tick();
  });

  // Question navigator: answered and flagged states follow the form; flags live in this tab.
  document.querySelectorAll(".quiz-nav[data-attempt]").forEach((nav) => {
    const key = `practicum-flags-${nav.dataset.attempt}`;
    const flags = new Set(JSON.parse(window.sessionStorage.getItem(key) || "[]"));
    const refresh = () => {
      nav.querySelectorAll("[data-question]").forEach((link) => {
        const n = link.dataset.question;
        const set = document.getElementById(`question-${n}`);
        const answered = !!set && (!!set.querySelector("input:checked")
          || Array.from(set.querySelectorAll("select")).some((sel) => sel.value));
        link.classList.toggle("answered", answered);
        link.classList.toggle("flagged", flags.has(n));
        const words = [answered ? "answered" : "not answered", flags.has(n) ? "flagged for review" : ""];
        link.querySelector(".quiz-nav-state").textContent = ` (${words.filter(Boolean).join(", ")})`;
      });
    };
    document.querySelectorAll("button[data-flag]").forEach((button) => {
      button.setAttribute("aria-pressed", String(flags.has(button.dataset.flag)));
      button.addEventListener("click", () => {
        const n = button.dataset.flag;
        if (flags.has(n)) flags.delete(n); else flags.add(n);
        button.setAttribute("aria-pressed", String(flags.has(n)));
        window.sessionStorage.setItem(key, JSON.stringify(Array.from(flags)));
        refresh();
      });
    });
    document.querySelectorAll(".quiz-form").forEach((form) => form.addEventListener("change", refresh));
    refresh();
  });

  // Copy-to-clipboard buttons: <button data-copy="text">.
  document.querySelectorAll("[data-copy]").forEach((el) => {
    el.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(el.dataset.copy); el.textContent = "Copied"; }
      catch { el.textContent = "Copy failed: select the link instead"; }
    });
  });

  // Prevent double submission of any form (the server is idempotent anyway).
  document.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", () => {
      window.setTimeout(() => form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; }), 0);
    });
  });
});
