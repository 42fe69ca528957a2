/* The portal's small behaviours, written as data attributes in the templates so that no page needs an inline
   script, event handler or style attribute (the Content-Security-Policy allows scripts and styles from the
   site's own files only). Delegated from the document, so content that htmx swaps in behaves the same.

   - form[data-confirm="…"]: asks before sending;
   - select[data-autosubmit]: sends its form when changed;
   - [data-print]: prints the page;
   - [data-width], [data-height]: a computed size (a progress bar's percentage, a chart's height);
   - form[data-geolocate]: the duty check-in asks for the location only when 签到 is pressed (never on page
     load) and goes ahead whatever the answer. */
(function () {
  "use strict";

  function applySizes(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-width], [data-height]").forEach(function (el) {
      if (el.dataset.width) el.style.width = el.dataset.width;
      if (el.dataset.height) el.style.height = el.dataset.height;
    });
  }

  function geolocateThenSend(form, event) {
    if (form.dataset.asked || !navigator.geolocation) return;
    event.preventDefault();
    form.dataset.asked = "1";
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    var sent = false;
    var send = function () {
      if (!sent) {
        sent = true;
        form.submit();
      }
    };
    window.setTimeout(send, 15000); // an unanswered prompt does not hold the check-in back
    navigator.geolocation.getCurrentPosition(
      function (p) {
        form.latitude.value = p.coords.latitude.toFixed(6);
        form.longitude.value = p.coords.longitude.toFixed(6);
        send();
      },
      send,
      { timeout: 5000, maximumAge: 60000 }
    );
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-geolocate")) geolocateThenSend(form, event);
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
  });

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-print]");
    if (!trigger) return;
    event.preventDefault();
    window.print();
  });

  document.addEventListener("htmx:load", function (event) {
    applySizes(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      applySizes(document);
    });
  } else {
    applySizes(document);
  }
})();
