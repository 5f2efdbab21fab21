// The console's own script: says whether the live hall is connected. Everything else is htmx.
(function () {
  function say(state) {
    var live = document.getElementById("live-state");
    if (!live) return;
    live.textContent = live.getAttribute("data-" + state) || "";
    live.className = "live-state " + state;
  }
  document.addEventListener("htmx:sseOpen", function () { say("live"); });
  document.addEventListener("htmx:sseError", function () { say("offline"); });
})();
