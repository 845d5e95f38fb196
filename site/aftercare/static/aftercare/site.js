/*
 * Progressive enhancement of the public site. Every page works without this file; with it:
 * - the search box suggests themes, comuni and services while typing (/api/search/suggest/),
 *   as an ARIA 1.2 combobox (arrows, Enter, Escape);
 * - search filters apply as soon as they change, without reloading the page, and the number of
 *   results is announced to screen readers;
 * - "Use my position" asks the browser for the position (rounded to about 100 m) and sorts by distance;
 * - the language menu closes with Escape or a click elsewhere.
 * Texts come from the server-rendered page (data-* attributes), already translated.
 * Loaded with `defer` from a static file: no inline script, so the CSP allows only 'self'.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  var language = document.documentElement.lang || "it";
  var counter = 0;

  function uid(prefix) {
    counter += 1;
    return prefix + "-" + counter;
  }

  function debounce(fn, wait) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  /* --- Disclosure menus (language switcher) ------------------------------------------------ */

  function openMenus() {
    return document.querySelectorAll("details[data-dismissable][open]");
  }

  function initDisclosures() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      openMenus().forEach(function (menu) {
        if (menu.open && menu.contains(document.activeElement)) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
    document.addEventListener("click", function (event) {
      openMenus().forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) menu.open = false;
      });
    });
  }

  /* --- Autocomplete ------------------------------------------------------------------------ */

  function suggestionHref(row, item) {
    var search = row.dataset.searchUrl;
    if (item.type === "theme") return search + "?theme=" + encodeURIComponent(item.value);
    if (item.type === "comune") return search + "?comune=" + encodeURIComponent(item.value);
    return row.dataset.serviceUrl.replace("/00000000-0000-0000-0000-000000000000/", "/" + encodeURIComponent(item.value) + "/");
  }

  function initAutocomplete(row) {
    var input = row.querySelector("input[type=search]");
    if (!input || !window.fetch) return;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var controller = null;
    var active = -1;
    var items = [];

    list.id = uid("suggestions");
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    row.appendChild(list);
    row.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(suggestions) {
      close();
      if (!suggestions.length) {
        status.textContent = "";
        return;
      }
      suggestions.forEach(function (item) {
        var option = document.createElement("li");
        var text = document.createElement("span");
        var type = document.createElement("span");
        option.id = uid("suggestion");
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.href = suggestionHref(row, item);
        text.textContent = item.text;
        type.className = "suggestions__type";
        type.textContent = row.dataset["label" + item.type.charAt(0).toUpperCase() + item.type.slice(1)] || "";
        option.appendChild(text);
        option.appendChild(type);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input until we leave
          window.location.href = option.dataset.href;
        });
        list.appendChild(option);
        items.push(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = suggestions.length + " " + (row.dataset.labelCount || "");
    }

    var lookup = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) {
        close();
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var url = row.dataset.suggestUrl + "?" + new URLSearchParams({ q: q, lang: language });
      fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          if (document.activeElement === input) render(data.suggestions || []);
        })
        .catch(function () { /* aborted or offline: no suggestions, the form still works */ });
    }, 200);

    input.addEventListener("input", lookup);
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim().length >= 2) lookup();
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].dataset.href;
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* --- Search filters without reloading ---------------------------------------------------- */

  function initLiveFilters(form) {
    var live = document.querySelector("[data-live-status]");
    var panel = form.querySelector("[data-filters-panel]");
    if (panel && !panel.hasAttribute("data-chosen") && window.matchMedia("(max-width: 61.99em)").matches) {
      panel.open = false; // on a phone the results come first; the filters open on demand
    }
    if (!window.fetch || !window.DOMParser || !window.history.pushState) return;

    function openState() {
      var state = {};
      form.querySelectorAll("details[data-facet], details[data-filters-panel]").forEach(function (details) {
        state[details.dataset.facet || "panel"] = details.open;
      });
      return state;
    }

    function restoreOpenState(state) {
      form.querySelectorAll("details[data-facet], details[data-filters-panel]").forEach(function (details) {
        var key = details.dataset.facet || "panel";
        if (key in state) details.open = state[key] || details.open;
      });
    }

    function update() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value !== "" && key !== "page") params.append(key, value);
      });
      var url = form.action + (params.toString() ? "?" + params : "");
      var focusedId = document.activeElement ? document.activeElement.id : null;
      var state = openState();
      form.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("search-results");
          var current = document.getElementById("search-results");
          if (!fresh || !current) throw new Error("unexpected page");
          current.replaceWith(document.adoptNode(fresh));
          ["nav.lang-switcher"].forEach(function (selector) {
            var updated = page.querySelector(selector);
            var old = document.querySelector(selector);
            if (updated && old) old.replaceWith(document.adoptNode(updated));
          });
          restoreOpenState(state);
          document.title = page.title;
          window.history.pushState({ liveFilters: true }, "", url);
          var focused = focusedId && document.getElementById(focusedId);
          if (focused) focused.focus();
          var summary = document.querySelector("[data-results-summary]");
          if (live && summary) live.textContent = summary.textContent;
        })
        .catch(function () { window.location.href = url; }) // the server's own page says what went wrong
        .finally(function () { form.removeAttribute("aria-busy"); });
    }

    form.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox]")) update();
      if (event.target.matches("select[data-autosubmit]")) form.submit();
    });
    window.addEventListener("popstate", function () { window.location.reload(); });
  }

  /* --- Position ------------------------------------------------------------------------------ */

  function initGeolocation(wrapper) {
    var button = wrapper.querySelector("[data-geolocate]");
    var status = wrapper.querySelector("[data-geolocation-status]");
    if (!button || !("geolocation" in navigator)) return;
    var form = button.closest("form");
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) status.textContent = wrapper.dataset.waiting || "";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var values = {
            lat: position.coords.latitude.toFixed(3), // about 100 m: enough for distances, kinder to privacy
            lon: position.coords.longitude.toFixed(3),
            sort: "distance"
          };
          Object.keys(values).forEach(function (name) {
            var input = form.querySelector("input[type=hidden][name=" + name + "]");
            if (!input) {
              input = document.createElement("input");
              input.type = "hidden";
              input.name = name;
              form.appendChild(input);
            }
            input.value = values[name];
          });
          form.submit();
        },
        function () {
          if (status) status.textContent = wrapper.dataset.error || "";
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  function init() {
    initDisclosures();
    document.querySelectorAll("[data-autocomplete]").forEach(initAutocomplete);
    document.querySelectorAll("form[data-live-filters]").forEach(initLiveFilters);
    document.querySelectorAll("[data-geolocation]").forEach(initGeolocation);
    var errors = document.querySelector(".error-summary");
    if (errors) errors.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
