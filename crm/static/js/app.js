// City picker: type-ahead over /cities/lookup; fills the hidden reference.
(function () {
  "use strict";

  function setUp(picker) {
    const input = picker.querySelector("input[type=text]");
    const hidden = picker.querySelector("input[type=hidden]");
    const list = picker.querySelector(".city-picker-results");
    const url = picker.dataset.lookupUrl;
    let timer = null;
    let active = -1;
    let results = [];
    list.id = input.id + "-results";
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function choose(index) {
      const city = results[index];
      if (!city) return;
      input.value = city.name;
      hidden.value = city.ref;
      close();
    }

    function render() {
      list.replaceChildren();
      results.forEach(function (city, index) {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.id = list.id + "-" + index;
        const name = document.createElement("strong");
        name.textContent = city.name;
        item.append(name);
        if (city.native_name && city.native_name !== city.name) {
          const native = document.createElement("bdi");
          native.textContent = " " + city.native_name;
          item.append(native);
        }
        const country = document.createElement("span");
        country.className = "muted";
        country.textContent = " · " + city.country;
        item.append(country);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.append(item);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
    }

    function highlight(index) {
      const items = list.querySelectorAll("li");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (items[index]) input.setAttribute("aria-activedescendant", items[index].id);
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < 2) { results = []; render(); return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { results = data.results; render(); })
          .catch(function () { results = []; render(); });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".city-picker").forEach(setUp);
  });
})();

// Import progress: poll the job's status and move the bar; open the result when it is finished.
(function () {
  "use strict";

  function follow(box) {
    const bar = box.querySelector("progress");
    const text = box.querySelector(".import-progress-text");
    function poll() {
      fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { setTimeout(poll, 3000); return; }
          if (job.finished) { window.location.assign(job.url); return; }
          const heading = box.querySelector(".import-progress-heading");
          if (heading && job.heading) { heading.textContent = job.heading; }  // the phase it is in
          bar.max = job.total || 1;
          bar.value = job.done;
          text.textContent = job.done.toLocaleString(document.documentElement.lang) + " / " +
            job.total.toLocaleString(document.documentElement.lang) + " (" + job.percent + "%)";
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".import-progress[data-status-url]").forEach(follow);
  });
})();

// Bulk selection (macros/lists.html): the header box ticks or clears every row box of its form.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      const boxes = document.querySelectorAll('input[type=checkbox][name][form="' + all.getAttribute("form") + '"]');
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
      });
    });
  });
})();
