// pmwidgets: when the server closes a page's kernel connection, say why.
// The server closes a page with a code of its own (4001 too many pages, 4002 unused
// for too long, 4003 signed out) and a one-line reason. A message larger than the
// server accepts closes the connection (1009, or without a close frame: 1006).
// Without this, the page would just stop answering.
(function () {
  "use strict";
  var Native = window.WebSocket;
  if (!Native) { return; }
  var TOO_BIG = "That was too large to send (a file can be at most 2 MB). Reload the page to carry on.";
  var LOST = "The connection to the server was lost. Reload the page to carry on: " +
    "what you saved is kept.";

  var said = false;

  function show(text, first) {
    // the server's own reason stays: the front end's reconnect after it (refused) is no news
    if (said) { return; }
    said = Boolean(first);
    var box = document.getElementById("pmw-closed");
    if (!box) {
      box = document.createElement("div");
      box.id = "pmw-closed";
      box.className = "pmw-closed";
      box.setAttribute("role", "alert");
      var words = document.createElement("span");
      var again = document.createElement("button");
      again.type = "button";
      again.textContent = "Reload";
      again.addEventListener("click", function () { window.location.reload(); });
      box.appendChild(words);
      box.appendChild(again);
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.firstChild.textContent = text;
    // what is below no longer answers: show it as such, and take it out of reach
    document.body.classList.add("pmw-page-closed");
    document.querySelectorAll("[cell-index]").forEach(function (cell) { cell.setAttribute("inert", ""); });
    box.querySelector("button").focus();
  }

  var lastOpen = 0;

  function Watched(url, protocols) {
    var socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).indexOf("/api/kernels/") !== -1) {
      socket.addEventListener("open", function () { lastOpen = Date.now(); });
      socket.addEventListener("close", function (event) {
        if (event.code >= 4000 && event.code < 4100 && event.reason) {
          show(event.reason, true);
        } else if (event.code === 1009) {
          show(TOO_BIG, true);
        } else if (event.code === 1011 || event.code === 1006) {
          // lost without a word (a message over the size limit, the network, the server):
          // say so unless the page's front end has connected again meanwhile
          var at = Date.now();
          window.setTimeout(function () { if (lastOpen < at) { show(LOST); } }, 4000);
        }
      });
    }
    return socket;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) { Watched[name] = Native[name]; });
  window.WebSocket = Watched;
})();
