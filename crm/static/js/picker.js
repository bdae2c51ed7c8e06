// City picker: a combobox over /cities/lookup. Each suggestion says its own name (in its language, and whether
// staff confirmed it), region, country and population;
// choosing one fills the hidden reference. The last option adds the typed city by hand. A name typed and
// not chosen is refused by the server (crm/cities/fields.py), never guessed.
(function () {
  "use strict";

  function setUp(picker) {
    const input = picker.querySelector("input[type=text]");
    const hidden = picker.querySelector("input[type=hidden]");
    const list = picker.querySelector(".city-picker-results");
    const status = picker.querySelector("[role=status]");
    const url = picker.dataset.lookupUrl;
    const lang = document.documentElement.lang || undefined;
    let timer = null;
    let active = -1;
    let options = [];  // {city} or {add: true}

    list.id = list.id || input.id + "-results";
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function addByHand() {
      const here = window.location.pathname + window.location.search;
      window.location.assign(picker.dataset.addUrl + "?name=" + encodeURIComponent(input.value.trim()) +
        "&next=" + encodeURIComponent(here));
    }

    function choose(index) {
      const option = options[index];
      if (!option) return;
      if (option.add) { addByHand(); return; }
      input.value = option.city.name;
      hidden.value = option.city.ref;
      picker.querySelectorAll(".city-picker-offers input[type=radio]").forEach(function (r) { r.checked = false; });
      close();
      if (status) status.textContent = input.value;
    }

    function describe(city) {
      const parts = [city.region, city.country].filter(Boolean).join(", ");
      const people = city.population ? " · " + Number(city.population).toLocaleString(lang) : "";
      return " — " + parts + people;
    }

    function render(results) {
      list.replaceChildren();
      options = results.map(function (city) { return { city: city }; });
      if (input.value.trim().length >= 2) options.push({ add: true });
      options.forEach(function (option, index) {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.id = list.id + "-" + index;
        if (option.add) {
          item.className = "city-picker-add";
          item.textContent = picker.dataset.addLabel.replace("{name}", input.value.trim());
        } else {
          const name = document.createElement("strong");
          name.textContent = option.city.name;
          item.append(name);
          if (option.city.native_name && option.city.native_name !== option.city.name) {
            item.append(" ");
            const native = document.createElement("bdi");
            native.textContent = option.city.native_name;
            if (option.city.native_name_lang) native.lang = option.city.native_name_lang;
            item.append(native);
            // Whether staff confirmed the city's own name, or where it came from (it is printed on agreements).
            if (option.city.native_name_state) {
              const state = document.createElement("span");
              state.className = "muted city-picker-native-state" +
                (option.city.native_name_confirmed ? " confirmed" : " unconfirmed");
              state.textContent = " (" + option.city.native_name_state + ")";
              item.append(state);
            }
          }
          const where = document.createElement("span");
          where.className = "muted";
          where.textContent = describe(option.city);
          item.append(where);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.append(item);
      });
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      if (status) {
        status.textContent = results.length ? picker.dataset.countLabel.replace("{count}", results.length) : "";
      }
    }

    function highlight(index) {
      const items = list.querySelectorAll("li");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function search() {
      const query = input.value.trim();
      if (query.length < 2) { render([]); return; }
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) render(data.results); })
        .catch(function () { render([]); });
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      picker.querySelectorAll(".city-picker-offers input[type=radio]").forEach(function (r) { r.checked = false; });
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim().length >= 2) { event.preventDefault(); search(); }
        return;
      }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, options.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".city-picker").forEach(setUp);
  });
})();
