// Factory pages: copy buttons, extra price-list rows, and keeping a shown-once key out of the history.
(function () {
  "use strict";

  function copyText(text, button) {
    function done(ok) {
      var label = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", label);
      button.textContent = ok ? "Copied" : "Select and copy";
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    done(ok);
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      if (source) { copyText(source.value !== undefined ? source.value : source.textContent, button); }
    });
  });

  document.querySelectorAll("[data-add-price-row]").forEach(function (button) {
    var body = button.parentNode.querySelector(".price-rows tbody");
    if (!body || !body.rows.length) { return; }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var row = body.rows[body.rows.length - 1].cloneNode(true);
      row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      body.appendChild(row);
      row.querySelector("input").focus();
    });
  });

  // A page that shows a key once answers a POST; replacing its history entry with the factory
  // page means that reloading or going back loads that page instead of posting again.
  var once = document.querySelector("[data-replace-url]");
  if (once && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", once.getAttribute("data-replace-url"));
  }
})();
