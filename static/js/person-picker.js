/* Search-as-you-type person pickers: a <select data-person-search="URL"> becomes a Tom Select
   (static/vendor/tom-select) that asks URL as the user types. The query is POSTed, so that
   an ID number typed into a picker never reaches a URL; each result shows what tells
   namesakes apart (village, birth year or age, masked ID number), as the server decides
   for the reader's role (people/privacy.py). Tom Select is loaded only on pages that have
   a picker; without JavaScript the select keeps its server-rendered options. */
(function () {
  "use strict";

  var pickers = document.querySelectorAll("select[data-person-search]");
  if (!pickers.length) return;
  var me = document.currentScript;

  function csrfToken(select) {
    var input = (select.form || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function load(url, select) {
    return function (query, callback) {
      var body = new FormData();
      body.append("q", query);
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(select), "Accept": "application/json" },
      })
        .then(function (response) { return response.json(); })
        .then(function (data) { callback(data.results || []); })
        .catch(function () { callback(); });
    };
  }

  function details(data) {
    return [data.place, data.born, data.id_number].filter(Boolean).join(" · ");
  }

  function option(data, escape) {
    var more = details(data);
    return "<div class=\"picker-person\"><strong>" + escape(data.name) + "</strong>" +
      (more ? " <small>" + escape(more) + "</small>" : "") + "</div>";
  }

  function start() {
    pickers.forEach(function (select) {
      /* global TomSelect */
      new TomSelect(select, {
        valueField: "id",
        labelField: "name",
        searchField: [],  // the server searched: keep its order and every result
        maxOptions: 50,
        loadThrottle: 250,
        shouldLoad: function (query) { return query.trim().length > 0; },
        load: load(select.dataset.personSearch, select),
        plugins: select.multiple ? ["remove_button"] : [],
        render: {
          option: option,
          item: function (data, escape) {
            var more = details(data);
            return "<div>" + escape(data.name) + (more ? " <small>" + escape(more) + "</small>" : "") + "</div>";
          },
          no_results: function () {
            return "<div class=\"no-results\">" + (me.dataset.none || "") + "</div>";
          },
        },
      });
      select.dataset.pickerReady = "true";
    });
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = me.dataset.css;
  document.head.appendChild(css);
  var js = document.createElement("script");
  js.src = me.dataset.js;
  js.onload = start;
  document.head.appendChild(js);
})();
