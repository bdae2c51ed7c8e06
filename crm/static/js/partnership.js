// The partnership page: old anchors find their section, the log composer opens where it is asked for,
// a failed entry puts the cursor on its first error, and a saved one shows its message.
(function () {
  "use strict";
  const tabs = document.querySelector(".partnership-tabs");
  if (!tabs) return;
  const KEY = "partnership-flashes";

  // A link to an anchor that now lives on another section (#contacts from the timeline): go there,
  // taking along the message the page just showed.
  function follow() {
    const wanted = decodeURIComponent(location.hash.slice(1));
    const held = wanted && document.getElementById(wanted);
    if (!held || !held.hasAttribute("data-section-anchor")) return false;
    const flashes = document.querySelector(".flashes");
    if (flashes) sessionStorage.setItem(KEY, flashes.outerHTML);
    location.replace(held.closest("a").href.split("#")[0] + "#" + encodeURIComponent(wanted));
    return true;
  }
  if (follow()) return;
  window.addEventListener("hashchange", follow);
  const anchor = decodeURIComponent(location.hash.slice(1));
  const carried = sessionStorage.getItem(KEY);
  if (carried) {
    sessionStorage.removeItem(KEY);
    const main = document.getElementById("main");
    if (main && !main.querySelector(".flashes")) main.insertAdjacentHTML("afterbegin", carried);
  }

  const composer = document.getElementById("log-engagement");
  function firstField(selector) {
    return composer.querySelector(selector || "select, input:not([type=hidden]), textarea");
  }
  function openComposer(field) {
    composer.open = true;
    const target = field || firstField();
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center" });
    }
  }
  if (composer) {
    const invalid = firstField(".has-error select, .has-error input, .has-error textarea, [aria-invalid=true]");
    // again once loaded: going to the page's #log-engagement moves the focus to the page itself
    const opening = invalid ? function () { openComposer(invalid); }
      : anchor === "log-engagement" ? function () { openComposer(); } : null;
    if (opening) {
      opening();
      window.addEventListener("load", function () { setTimeout(opening, 0); });
    }
    document.querySelectorAll("a[href='#log-engagement']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        history.replaceState(null, "", "#log-engagement");
        openComposer();
      });
    });
  }

  // Just saved (the flash says so, and the address is the timeline): the message and the new entry in view.
  // The new entry is the one created last, so the highest number on the page; it is marked, and when it sits
  // too far down for both to show, the message stays pinned above it.
  const flashes = document.querySelector(".flashes");
  if (flashes && anchor === "timeline" && flashes.querySelector(".flash-success")) {
    let newest = null;
    document.querySelectorAll("#timeline .timeline-item[data-entry]").forEach(function (item) {
      if (!newest || Number(item.dataset.entry) > Number(newest.dataset.entry)) newest = item;
    });
    if (newest) newest.classList.add("just-added");
    const show = function () {
      flashes.scrollIntoView({ block: "start" });
      if (!newest) return;
      const bottom = newest.getBoundingClientRect().top + Math.min(newest.offsetHeight, 96);
      if (bottom > window.innerHeight) {
        flashes.classList.add("flashes-pinned");
        newest.style.scrollMarginBlockStart = (flashes.offsetHeight + 16) + "px";
        newest.scrollIntoView({ block: "start" });
      }
    };
    show();
    window.addEventListener("load", function () { setTimeout(show, 0); });
  }
})();
