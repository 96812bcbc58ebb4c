// Small progressive enhancements for every page. Everything works without this file.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // The error summary gets focus, so a screen reader reads it and a keyboard user starts there.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    // A link in the summary moves focus to its field (not only scrolls to it).
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({block: "center"}); }
      });
    });
    // Quick exit: replace this page (and its history entry) with a neutral site. Esc twice does the same.
    var exit = document.querySelector("[data-quick-exit]");
    if (exit) {
      var leave = function (event) {
        if (event) { event.preventDefault(); }
        document.body.hidden = true;
        window.location.replace(exit.getAttribute("href"));
      };
      exit.addEventListener("click", leave);
      var lastEscape = 0;
      document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") { return; }
        var now = Date.now();
        if (now - lastEscape < 1500) { leave(event); }
        lastEscape = now;
      });
    }
    // The header menu is open on a wide screen and a button on a narrow one.
    var menu = document.querySelector("[data-header-menu]");
    if (menu && window.matchMedia) {
      var wide = window.matchMedia("(min-width: 48rem)");
      // Open on a wide screen; closed again when the screen narrows (a tablet turned upright),
      // so the menu never covers the page it was not asked for on.
      var sync = function () {
        if (wide.matches) { menu.setAttribute("open", ""); } else { menu.removeAttribute("open"); }
      };
      sync();
      wide.addEventListener("change", sync);
    }
  });
})();
