// Menus (the <details class="menu"> of the top bar and any other page) and the phone's top bar.
// Loaded without defer from the page's head: it marks the page as scripted at once ("js" on <html>), so the
// phone's top bar is drawn folded from the first paint; without script every link shows, unfolded.
// - One menu open at a time; Escape or a click outside closes it; Escape puts focus back on its button.
// - The top bar's "Menu" button (aria-expanded, aria-controls) shows and hides the bar on narrow screens.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll("details.menu[open]"));
  }

  function closeMenu(menu, focusButton) {
    menu.open = false;
    const summary = menu.querySelector(":scope > summary");
    if (focusButton && summary) summary.focus();
  }

  function setUpToggle(toggle) {
    const panel = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!panel) return;

    function show(open, focusButton) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
      if (!open) {
        openMenus().forEach(function (menu) { if (panel.contains(menu)) closeMenu(menu, false); });
        if (focusButton) toggle.focus();
      }
    }

    toggle.addEventListener("click", function () {
      show(toggle.getAttribute("aria-expanded") !== "true", false);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") return;
      show(false, panel.contains(document.activeElement));
    });
    document.addEventListener("click", function (event) {
      if (toggle.getAttribute("aria-expanded") === "true" && !panel.contains(event.target) &&
          !toggle.contains(event.target)) {
        show(false, false);
      }
    });
    // Back on a wide screen the bar shows whole: forget the folded state.
    const wide = window.matchMedia("(min-width: 80rem)");
    const reset = function () { if (wide.matches) show(false, false); };
    if (wide.addEventListener) wide.addEventListener("change", reset);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("details.menu").forEach(function (menu) {
      menu.addEventListener("toggle", function () {
        if (!menu.open) return;
        openMenus().forEach(function (other) {
          if (other !== menu && !other.contains(menu)) closeMenu(other, false);
        });
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      const open = openMenus();
      if (!open.length) return;
      const innermost = open[open.length - 1];
      closeMenu(innermost, true);
      event.stopPropagation();
    }, true);

    document.addEventListener("click", function (event) {
      openMenus().forEach(function (menu) {
        if (!menu.contains(event.target)) closeMenu(menu, false);
      });
    });

    document.querySelectorAll(".nav-toggle[aria-controls]").forEach(setUpToggle);
  });
})();
