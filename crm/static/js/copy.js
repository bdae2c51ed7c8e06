// A "Copy" button beside a read-only field (an invitation's one-time link):
//   <input id="invitation-link" readonly value="…">
//   <button type="button" data-copy="invitation-link" data-copied="Copied" data-copy-failed="…" hidden>Copy</button>
//   <span class="copy-status" role="status" aria-live="polite"></span>
// The button stays hidden without JavaScript: the field is still there to select and copy by hand.
(() => {
  "use strict";

  async function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(field.value);
      return;
    }
    // Plain http (an office intranet): the older way, from the selected field.
    field.select();
    if (!document.execCommand("copy")) {
      throw new Error("not copied");
    }
  }

  function attach(button) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    if (!field || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      status.textContent = "";  // the same words again are announced again
      try {
        await copy(field);
        status.textContent = button.dataset.copied;
      } catch (error) {
        field.focus();
        field.select();
        status.textContent = button.dataset.copyFailed;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("button[data-copy]").forEach(attach);
  });
})();
