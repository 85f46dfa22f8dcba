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

  // Quiz countdown: shows the time left; the server enforces the deadline regardless.
  document.querySelectorAll(".quiz-timer[data-deadline]").forEach((el) => {
    const deadline = new Date(el.dataset.deadline).getTime();
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const m = Math.floor(left / 60), s = String(left % 60).padStart(2, "0");
      el.textContent = left > 0 ? `${m}:${s} left` : "Time is up: your answers as saved will be graded";
      if (left > 0) window.setTimeout(tick, 1000);
    };
    tick();
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
