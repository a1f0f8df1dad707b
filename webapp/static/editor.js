// The query page's SPARQL editor: YASQE (served from /static/vendor/yasqe) over the form's
// textarea. The form works without it; with it, the query is highlighted and checked as you
// type, Ctrl+Enter runs it, and Ctrl+Space completes prefixes, classes, properties and
// resources from this graph (/sparql/vocabulary, /sparql/resources), never from outside.
(function () {
  "use strict";
  var form = document.querySelector("form.query");
  var textarea = form && form.querySelector("textarea[name=query]");
  if (!form || !textarea || !window.Yasqe) {
    return;
  }
  var Yasqe = window.Yasqe;
  var vocabulary = null;
  // The prefixes every query may use undeclared (the service declares them), so that the
  // editor does not mark their use as an error.
  var declared = JSON.parse(form.dataset.prefixes || "{}");
  Yasqe.defineMode("sparql11-declared", function (config) {
    var sparql = Yasqe.getMode(config, "sparql11");
    return Object.assign({}, sparql, {
      startState: function () {
        var state = sparql.startState.apply(sparql, arguments);
        Object.assign(state.prefixes, declared);
        return state;
      },
    });
  });

  function loadVocabulary() {
    if (!vocabulary) {
      vocabulary = fetch(form.dataset.vocabulary, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("vocabulary: " + response.status);
          }
          return response.json();
        })
        .catch(function () {
          vocabulary = null;
          return { prefixes: {}, classes: [], properties: [] };
        });
    }
    return vocabulary;
  }

  function isVariable(token) {
    return token.string[0] === "?" || token.string[0] === "$";
  }

  Yasqe.forkAutocompleter("prefixes", {
    name: "graph-prefixes",
    persistenceId: null,
    get: function () {
      return loadVocabulary().then(function (found) {
        return Object.keys(found.prefixes).sort().map(function (name) {
          return name + ": <" + found.prefixes[name] + ">";
        });
      });
    },
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "graph-classes",
    bulk: true,
    persistenceId: null,
    get: function () {
      return loadVocabulary().then(function (found) { return found.classes; });
    },
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "graph-properties",
    bulk: true,
    persistenceId: null,
    get: function () {
      return loadVocabulary().then(function (found) { return found.properties; });
    },
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "graph-resources",
    bulk: false,
    persistenceId: null,
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      if (!token.string || isVariable(token) || token.state.possibleCurrent.indexOf("a") >= 0) {
        return false;
      }
      var previous = yasqe.getPreviousNonWsToken(yasqe.getDoc().getCursor().line, token);
      var lastProperty = previous && previous.state.lastProperty;
      var classPosition = lastProperty === "a" || lastProperty === "rdf:type";
      return !classPosition && (token.string[0] === "<" || token.string.indexOf(":") > 0);
    },
    get: function (yasqe, token) {
      var beginning = token && token.autocompletionString;
      if (!beginning) {
        return [];
      }
      var url = form.dataset.resources + "?prefix=" + encodeURIComponent(beginning);
      return fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .catch(function () { return []; });
    },
  }, false);

  function run() {
    textarea.value = yasqe.getValue();
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  var holder = document.createElement("div");
  holder.className = "editor";
  textarea.parentNode.insertBefore(holder, textarea.nextSibling);
  var label = form.querySelector("label[for=" + textarea.id + "]");
  var yasqe = new Yasqe(holder, {
    value: textarea.value,
    mode: "sparql11-declared",
    persistenceId: null,
    prefixCcApi: null,
    showQueryButton: false,
    createShareableLink: null,
    consumeShareLink: null,
    resizeable: true,
    editorHeight: "20rem",
    autocompleters: [
      "variables",
      "graph-prefixes",
      "graph-classes",
      "graph-properties",
      "graph-resources",
    ],
    screenReaderLabel: label ? label.textContent : "SPARQL",
    // An editable element inside the scrolling area: screen readers read it, and the area
    // holds something focusable.
    inputStyle: "contenteditable",
    extraKeys: {
      "Ctrl-Enter": run,
      "Cmd-Enter": run,
      // Tab leaves the editor, as in any other field (no keyboard trap); Ctrl+] indents.
      Tab: false,
      "Shift-Tab": false,
    },
  });
  textarea.hidden = true;
  if (label) {
    label.addEventListener("click", function () { yasqe.focus(); });
  }
  form.addEventListener("submit", function () {
    textarea.value = yasqe.getValue();
  });
  form.classList.add("with-editor");
  window.kuopioEditor = yasqe;
})();
