// The map: asks /app/api/ with Telegram's init data, draws the server's SVG, opens a topic's card on a tap.
(function () {
  "use strict";
  var tg = (window.Telegram && window.Telegram.WebApp) || null;
  var hash = new URLSearchParams(location.hash.slice(1));
  // Inside Telegram its script fills initData; opened in a plain browser (the console demo) it is in the hash.
  var initData = (tg && tg.initData) || hash.get("tgWebAppData") || "";
  var query = new URLSearchParams(location.search);
  var trackId = query.get("track");
  var focusModule = query.get("module");
  var words = window.MAP_WORDS[guessLanguage()];
  var $ = function (id) { return document.getElementById(id); };
  var mapScroll = 0;
  var cardOpen = false;

  function guessLanguage() {
    var user = tg && tg.initDataUnsafe && tg.initDataUnsafe.user;
    if (!user) {
      try { user = JSON.parse(new URLSearchParams(initData).get("user") || "null"); } catch (e) { user = null; }
    }
    return user && String(user.language_code || "").slice(0, 2) === "ru" ? "ru" : "en";
  }

  function applyTheme() {
    var params = (tg && tg.themeParams) || {};
    if (!tg && hash.get("tgWebAppThemeParams")) {
      try { params = JSON.parse(hash.get("tgWebAppThemeParams")); } catch (e) { params = {}; }
    }
    var root = document.documentElement;
    Object.keys(params).forEach(function (key) {
      root.style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), params[key]);
    });
    root.dataset.scheme = (tg && tg.colorScheme) || "light";
  }

  function api(path, options) {
    options = options || {};
    options.headers = { "Authorization": "tma " + initData, "Content-Type": "application/json" };
    return fetch("api/" + path, options).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body.error || "failed"); }
        return body;
      });
    });
  }

  function showError(error) {
    var key = error && error.message;
    $("note").textContent = words[key === "unauthorized" || key === "not_started" ? key : "failed"];
    $("note").hidden = false;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function chip(cls, mark, label, tag) {
    var node = el(tag || "span", "chip st-" + cls);
    node.appendChild(el("i", "", mark));
    node.appendChild(document.createTextNode(label));
    return node;
  }

  function loadMap(scrollTo) {
    return api("roadmap" + (trackId ? "?track=" + encodeURIComponent(trackId) : "")).then(function (data) {
      words = data.labels;
      document.documentElement.lang = data.lang;
      trackId = data.track.id;
      var select = $("track");
      select.textContent = "";
      data.tracks.forEach(function (track) {
        var option = el("option", "", (track.current ? "★ " : "") + track.title);
        option.value = track.id;
        option.selected = track.id === trackId;
        select.appendChild(option);
      });
      select.setAttribute("aria-label", words.track);
      $("summary").textContent = data.summary;
      $("finish").textContent = data.finish_text;
      $("today").textContent = data.today_text || "";
      var legend = $("legend");
      legend.textContent = "";
      data.legend.forEach(function (item) { legend.appendChild(chip(item["class"], item.mark, item.label)); });
      $("map").innerHTML = data.svg;  // built and escaped on the server
      $("head").hidden = cardOpen;  // redrawn behind an open card after a mark
      $("note").hidden = true;
      var target = scrollTo === "module" && focusModule ? document.getElementById("m-" + focusModule)
        : scrollTo === "today" && data.today ? document.querySelector('[data-topic="' + data.today + '"]') : null;
      if (target && target.scrollIntoView) { target.scrollIntoView({ block: "center" }); }
    });
  }

  function openCard(topicId) {
    mapScroll = window.scrollY;
    api("topic?track=" + encodeURIComponent(trackId) + "&topic=" + encodeURIComponent(topicId))
      .then(renderCard).catch(showError);
  }

  function renderCard(card) {
    var root = $("card");
    root.textContent = "";
    if (!tg || !tg.BackButton || tg.platform === "unknown") {
      var back = el("button", "plain", words.back);
      back.addEventListener("click", closeCard);
      root.appendChild(back);
    }
    root.appendChild(el("h2", "", card.title));
    root.appendChild(el("p", "meta", card.module + " · " + card.hours));
    root.appendChild(chip(card["class"], markOf(card.status), card.status_label, "p")).className = "pill st-" + card["class"];
    root.appendChild(el("h3", "", words.why));
    root.appendChild(el("p", "", card.why));
    if (card.resources.length) {
      root.appendChild(el("h3", "", words.resources));
      var list = el("ul");
      card.resources.forEach(function (resource) {
        var item = el("li");
        var link = el("a", "", resource.title);
        link.href = resource.url;
        link.addEventListener("click", function (event) {
          if (tg && tg.openLink) { event.preventDefault(); tg.openLink(resource.url); }
        });
        link.target = "_blank";
        link.rel = "noopener";
        item.appendChild(link);
        item.appendChild(document.createTextNode(" (" + resource.kind + ")"));
        list.appendChild(item);
      });
      root.appendChild(list);
    }
    if (card.checklist.length) {
      root.appendChild(el("h3", "", words.checklist));
      var checks = el("ul");
      card.checklist.forEach(function (line) { checks.appendChild(el("li", "", line)); });
      root.appendChild(checks);
    }
    if (card.practice) {
      root.appendChild(el("h3", "", words.practice));
      root.appendChild(el("p", "", card.practice));
    }
    card.parts.forEach(function (part) {
      var box = el("div", "part");
      if (part.title) { box.appendChild(chip(part["class"], markOf(part.status), part.title, "p")); }
      var actions = el("div", "actions");
      part.actions.forEach(function (action) {
        var button = el("button", "", action.label);
        button.dataset.status = action.status;
        button.addEventListener("click", function () {
          if (action.confirm) {  // a pass before this one is not done: ask, then mark both
            confirmThen(action.confirm, function () { mark(card, part.part, action.status, actions, true); });
          } else {
            mark(card, part.part, action.status, actions);
          }
        });
        actions.appendChild(button);
      });
      box.appendChild(actions);
      root.appendChild(box);
    });
    if (card.known) {
      var knownBox = el("div", "actions");
      var known = el("button", "", card.known);
      known.dataset.status = "known";
      known.addEventListener("click", function () {
        confirmThen(words.known_confirm, function () { mark(card, "", "known", knownBox); });
      });
      knownBox.appendChild(known);
      root.appendChild(knownBox);
    }
    root.hidden = false;
    $("map").hidden = true;
    $("head").hidden = true;
    window.scrollTo(0, 0);
    if (!cardOpen && tg && tg.BackButton) { tg.BackButton.onClick(closeCard); tg.BackButton.show(); }
    cardOpen = true;
  }

  var MARKS = { done: "✓", in_progress: "▶", known: "★", skipped: "»", not_started: "" };
  function markOf(status) { return MARKS[status] || ""; }

  function mark(card, part, status, actions, withEarlier) {
    Array.prototype.forEach.call(actions.querySelectorAll("button"), function (b) { b.disabled = true; });
    api("status", {
      method: "POST",
      body: JSON.stringify({
        track: card.track, topic: card.topic, part: part, status: status, with_earlier: withEarlier === true
      })
    }).then(function (updated) {
      if (tg && tg.HapticFeedback) { tg.HapticFeedback.notificationOccurred("success"); }
      renderCard(updated);
      return loadMap();
    }).catch(showError);
  }

  function confirmThen(question, action) {
    if (tg && tg.showConfirm && tg.platform !== "unknown") {
      tg.showConfirm(question, function (ok) { if (ok) { action(); } });
    } else if (window.confirm(question)) {
      action();
    }
  }

  function closeCard() {
    if (tg && tg.BackButton) { tg.BackButton.offClick(closeCard); tg.BackButton.hide(); }
    cardOpen = false;
    $("card").hidden = true;
    $("map").hidden = false;
    $("head").hidden = false;
    window.scrollTo(0, mapScroll);
  }

  $("map").addEventListener("click", function (event) {
    var node = event.target.closest && event.target.closest("g.topic");
    if (node) { openCard(node.getAttribute("data-topic")); }
  });
  $("map").addEventListener("keydown", function (event) {
    var node = event.target.closest && event.target.closest("g.topic");
    if (node && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); openCard(node.getAttribute("data-topic")); }
  });
  $("track").addEventListener("change", function (event) {
    trackId = event.target.value;
    loadMap("top").then(function () { window.scrollTo(0, 0); }).catch(showError);
  });

  applyTheme();
  $("note").textContent = words.loading;
  if (tg) {
    tg.ready();
    if (tg.expand) { tg.expand(); }
    if (tg.onEvent) { tg.onEvent("themeChanged", applyTheme); }
  }
  if (!initData) { showError(new Error("unauthorized")); return; }
  loadMap(focusModule ? "module" : "today").catch(showError);
})();
