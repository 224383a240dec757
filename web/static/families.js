// The families list: the filter form always shows the filters the list used.
// A browser may restore form fields from its cache on Back and Forward while the
// list below comes from the URL; on every show, set each field from the URL.
(function () {
  "use strict";
  var form = document.getElementById("families-filters");
  if (!form) {
    return;
  }
  var yes = ["1", "yes", "true", "on"];
  function fromUrl() {
    if (form.querySelector("[aria-invalid]")) {
      return; // the form as sent, with its error: the server filled it in
    }
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit") {
        return;
      }
      var value = params.has(field.name) ? params.get(field.name).trim() : null;
      if (field.type === "checkbox") {
        field.checked = value !== null && yes.indexOf(value.toLowerCase()) >= 0;
      } else if (field.tagName === "SELECT") {
        if (field.name === "lead" && value === "without") {
          value = "never";
        }
        var wanted = value === null ? field.getAttribute("data-default") : value;
        var index = 0;
        Array.prototype.forEach.call(field.options, function (option, i) {
          if (wanted !== null && option.value === wanted) {
            index = i;
          }
        });
        field.selectedIndex = index;
      } else if (field.type !== "hidden") {
        field.value = value === null ? "" : value;
      }
    });
  }
  window.addEventListener("pageshow", fromUrl);
})();
