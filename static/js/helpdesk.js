/* Both portals and the sign-in pages: behaviour that used to sit in inline handlers, which
   the Content-Security-Policy forbids (issue 14). */
(function () {
  "use strict";
  // A <select data-submit-on-change> sends its form as soon as a choice is made (the
  // language switch); without script its <noscript> button does.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });
})();
