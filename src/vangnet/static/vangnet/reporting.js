// "Check your report" before sending (issue 12). Without script the form is sent directly.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  function labelOf(form, field) {
    var fieldset = field.closest("fieldset");
    if (fieldset && (field.type === "radio" || field.type === "checkbox") && fieldset.querySelector("legend")) {
      return fieldset.querySelector("legend").textContent.replace(/\s+/g, " ").trim();
    }
    var label = field.id ? form.querySelector("label[for='" + field.id + "']") : null;
    return label ? label.textContent.replace(/\s+/g, " ").trim() : field.name;
  }
  function valueOf(field) {
    if (field.type === "radio" || field.type === "checkbox") {
      var label = field.id ? document.querySelector("label[for='" + field.id + "']") : null;
      return label ? label.textContent.trim() : field.value;
    }
    if (field.tagName === "SELECT") { return field.options[field.selectedIndex] ? field.options[field.selectedIndex].text : ""; }
    if (field.type === "file") { return Array.prototype.map.call(field.files, function (f) { return f.name; }).join(", "); }
    return field.value.trim();
  }
  ready(function () {
    var form = document.querySelector("[data-check-form]");
    if (!form) { return; }
    var panel = form.querySelector("[data-check]");
    var list = form.querySelector("[data-check-list]");
    var open = form.querySelector("[data-check-open]");
    var confirmed = false;
    form.querySelector("[data-check-send]").addEventListener("click", function () { confirmed = true; });
    form.querySelector("[data-check-change]").addEventListener("click", function () {
      panel.hidden = true;
      open.hidden = false;
      var first = form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
    form.addEventListener("input", function () { if (!panel.hidden) { panel.hidden = true; open.hidden = false; } });
    form.addEventListener("submit", function (event) {
      if (confirmed) { return; }
      event.preventDefault();
      var rows = {};
      var order = [];
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "hidden" || field.type === "submit" || field.type === "button") { return; }
        if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
        var value = valueOf(field);
        if (!value) { return; }
        var label = labelOf(form, field);
        if (!(label in rows)) { rows[label] = []; order.push(label); }
        rows[label].push(value);
      });
      list.textContent = "";
      order.forEach(function (label) {
        var dt = document.createElement("dt");
        dt.textContent = label;
        var dd = document.createElement("dd");
        dd.textContent = rows[label].join("; ");
        list.appendChild(dt);
        list.appendChild(dd);
      });
      panel.hidden = false;
      open.hidden = true;
      panel.querySelector("h2").focus();
    });
  });
})();
