// An organisation's page loads its picture and timeline from /relationships?part=page, so the
// page itself costs no more for them; without script, the link beside leads to them.
(function () {
  "use strict";
  document.querySelectorAll("[data-relationships]").forEach(function (holder) {
    fetch(holder.dataset.relationships, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        holder.innerHTML = html;
      })
      .catch(function () {
        holder.remove();
      });
  });
})();
