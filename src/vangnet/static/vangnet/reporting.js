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

// A spoken report (issue 12): recorded with MediaRecorder, kept in the page, sent only with the form.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var box = document.querySelector("[data-voice]");
    if (!box || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) { return; }
    box.hidden = false;
    var record = box.querySelector("[data-voice-record]");
    var stop = box.querySelector("[data-voice-stop]");
    var remove = box.querySelector("[data-voice-delete]");
    var status = box.querySelector("[data-voice-status]");
    var preview = box.querySelector("[data-voice-preview]");
    var input = box.querySelector("[data-voice-file]");
    var texts = box.querySelector("[data-voice-texts]").content;
    var say = function (key) { status.textContent = texts.querySelector("[data-" + key + "]").textContent; };
    var recorder = null;
    var chunks = [];
    record.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
        chunks = [];
        recorder = new MediaRecorder(stream);
        var bytes = 0;
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data.size) {
            chunks.push(event.data);
            bytes += event.data.size;
            box.setAttribute("data-voice-bytes", String(bytes));
          }
        });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          var type = (recorder.mimeType || "audio/webm").split(";")[0];
          var extension = type.indexOf("ogg") >= 0 ? "ogg" : (type.indexOf("mp4") >= 0 ? "m4a" : "webm");
          var blob = new Blob(chunks, {type: type});
          var transfer = new DataTransfer();
          transfer.items.add(new File([blob], "spraakbericht." + extension, {type: type}));
          input.files = transfer.files;
          preview.src = URL.createObjectURL(blob);
          preview.hidden = false;
          remove.hidden = false;
          record.hidden = false;
          stop.hidden = true;
          say("recorded");
          box.setAttribute("data-voice-ready", "");
        });
        recorder.start(500);  // a chunk every half second: the page knows it is recording
        record.hidden = true;
        stop.hidden = false;
        stop.focus();
        say("recording");
      }).catch(function () { say("denied"); });
    });
    stop.addEventListener("click", function () { if (recorder && recorder.state !== "inactive") { recorder.stop(); } });
    remove.addEventListener("click", function () {
      input.value = "";
      preview.removeAttribute("src");
      preview.hidden = true;
      remove.hidden = true;
      box.removeAttribute("data-voice-ready");
      say("deleted");
      record.focus();
    });
  });
})();
