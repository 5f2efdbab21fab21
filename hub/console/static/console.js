// The console's own script: says whether a live page is connected, and keeps what a supervisor
// is writing in the feedback inbox from being redrawn under them. Everything else is htmx.
(function () {
  function say(state) {
    var live = document.getElementById("live-state");
    if (!live) return;
    live.textContent = live.getAttribute("data-" + state) || "";
    live.className = "live-state " + state;
  }
  document.addEventListener("htmx:sseOpen", function () { say("live"); });
  document.addEventListener("htmx:sseError", function () { say("offline"); });

  // A form inside a live part that has been typed in (or has the focus) holds the redraw back;
  // saving it reloads the page, and the next push after that brings everything.
  function liveForm(element) {
    var form = element && element.closest ? element.closest("form") : null;
    return form && form.closest("[sse-swap]") ? form : null;
  }
  document.addEventListener("input", function (e) {
    var form = liveForm(e.target);
    if (form) form.setAttribute("data-editing", "typed");
  });
  document.addEventListener("focusin", function (e) {
    var form = liveForm(e.target);
    if (form) form.setAttribute("data-focus", "in");
  });
  document.addEventListener("focusout", function (e) {
    var form = liveForm(e.target);
    if (form) form.removeAttribute("data-focus");
  });
  document.addEventListener("htmx:sseBeforeMessage", function (e) {
    var kind = e.detail && e.detail.type;
    if (kind === "ended") return;
    if (e.target.querySelector("form[data-editing], form[data-focus]")) {
      e.preventDefault();
      say("held");
    }
  });
  document.addEventListener("htmx:sseMessage", function () { say("live"); });
})();
