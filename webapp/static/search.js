// Suggestions as you type, from the same index as /search. The search boxes work without this.
"use strict";
(function () {
  const list = document.getElementById("search-suggestions");
  if (!list) return;
  let pending = null;
  for (const input of document.querySelectorAll("input[data-suggest]")) {
    input.addEventListener("input", () => {
      const text = input.value.trim();
      if (pending) pending.abort();
      if (text.length < 2) { list.replaceChildren(); return; }
      pending = new AbortController();
      const lang = document.documentElement.lang;
      const url = `/search?limit=8&lang=${encodeURIComponent(lang)}&q=${encodeURIComponent(text)}`;
      fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((answer) => {
          list.replaceChildren(...answer.results.map((hit) => {
            const option = document.createElement("option");
            option.value = hit.label;
            return option;
          }));
        })
        .catch(() => {});
    });
  }
})();
