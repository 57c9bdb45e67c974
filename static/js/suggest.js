// Supplier-name suggestions for search boxes, through a <datalist>.
// Progressive enhancement only: without this script the search box is a plain form.
(function () {
  "use strict";

  function attach(input) {
    var form = input.form;
    if (!form) { return; }
    var url = input.getAttribute("data-suggest-url") ||
      form.getAttribute("action").replace(/\/?$/, "/suggest");
    var listId = input.getAttribute("list");
    var list = listId ? document.getElementById(listId) : null;
    if (!list) {
      list = document.createElement("datalist");
      list.id = (input.id || "search") + "-suggestions";
      form.appendChild(list);
      input.setAttribute("list", list.id);
    }
    var timer = null;
    var last = "";
    var pending = null;

    function show(names) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      names.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;  // value, never HTML: names are text
        list.appendChild(option);
      });
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2 || q === last) { return; }
      last = q;
      if (pending && pending.abort) { pending.abort(); }
      pending = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        signal: pending ? pending.signal : undefined
      })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { show(data.suggestions || []); })
        .catch(function () { /* suggestions are optional; the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });
  }

  function init() {
    var inputs = document.querySelectorAll('form[role="search"] input[type="search"][name="q"]');
    Array.prototype.forEach.call(inputs, attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
