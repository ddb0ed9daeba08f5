/* The item page's player: a clickable transcript, ?t=SECONDS to start at a moment, and
   one "played" report per page to the learning record. Without JavaScript the transcript
   lines are plain links to ?t=, and the media fragment #t= still starts the player there. */
(function () {
  "use strict";

  var player = document.querySelector("[data-player]");
  if (!player) return;
  var media = player.querySelector("video, audio");
  if (!media) return;
  var list = document.querySelector("[data-cues]");
  var cues = list ? Array.prototype.slice.call(list.querySelectorAll("[data-cue-start]")) : [];
  var current = list ? list.querySelector("li.is-current") : null;

  function mark(link, scroll) {
    var item = link ? link.closest("li") : null;
    if (item === current) return;
    if (current) {
      current.classList.remove("is-current");
      current.removeAttribute("aria-current");
    }
    current = item;
    if (!item) return;
    item.classList.add("is-current");
    item.setAttribute("aria-current", "true");
    if (scroll && list.scrollHeight > list.clientHeight) {
      // Scroll the transcript box only, never the page under the reader's eyes.
      var top = item.offsetTop - list.offsetTop;
      if (top < list.scrollTop || top + item.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(top - list.clientHeight / 3, 0);
      }
    }
  }

  function cueAt(seconds) {
    var ms = seconds * 1000;
    var found = null;
    for (var i = 0; i < cues.length; i++) {
      if (Number(cues[i].dataset.cueStart) <= ms) found = cues[i];
      else break;
    }
    return found;
  }

  function seek(seconds) {
    if (media.readyState >= 1) {
      media.currentTime = seconds;
    } else {
      media.addEventListener("loadedmetadata", function () { media.currentTime = seconds; }, { once: true });
    }
  }

  var start = parseFloat(player.dataset.start);
  if (!isNaN(start)) {
    seek(start);
    mark(cueAt(start), true);
  }

  cues.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var seconds = Number(link.dataset.cueStart) / 1000;
      seek(seconds);
      mark(link, false);
      var url = new URL(window.location.href);
      url.searchParams.set("t", String(Math.floor(seconds)));
      url.searchParams.delete("from_search");
      url.searchParams.delete("rank");
      window.history.replaceState(null, "", url.toString());
      var playing = media.play();
      if (playing && playing.catch) playing.catch(function () { /* the browser wants a click on the player first */ });
    });
  });

  media.addEventListener("timeupdate", function () {
    if (cues.length) mark(cueAt(media.currentTime), true);
  });

  var reported = false;
  media.addEventListener("play", function () {
    if (reported || !player.dataset.playedUrl) return;
    reported = true;
    var body = new FormData();
    body.append("time", String(media.currentTime || 0));
    if (isFinite(media.duration)) body.append("length", String(media.duration));
    fetch(player.dataset.playedUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": player.dataset.csrf || "" }
    }).catch(function () { /* the record misses one play; the learner misses nothing */ });
  });
})();
