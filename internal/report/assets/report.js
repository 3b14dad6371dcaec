
(function () {
  function show(id) {
    var el = null;
    try { el = document.getElementById(decodeURIComponent(id)); } catch (e) { return; }
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (a) { show(a.getAttribute("href").slice(1)); }
  });
  window.addEventListener("hashchange", function () { show(location.hash.slice(1)); });
  if (location.hash.length > 1) {
    show(location.hash.slice(1));
    var target = document.getElementById(location.hash.slice(1));
    if (target) { target.scrollIntoView(); }
  }
})();
