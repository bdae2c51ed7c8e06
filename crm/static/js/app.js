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
