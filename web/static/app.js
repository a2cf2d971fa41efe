// The few things pages do in the browser: copy an item's link or citation, bring a permalinked
// item into view, fold the search filters on a phone, start a chart at its newest month.
// No inline scripts (the Content-Security-Policy forbids them); no dependencies. Loaded in
// <head> without defer, so that the "js" class is set before the page is first drawn.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function copyText(text) {
    // navigator.clipboard needs a secure context (https or localhost); an intranet
    // server on plain http gets the textarea fallback.
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function toast(message) {
    var box = document.querySelector(".toast");
    if (!box) { return; }
    var note = box.getAttribute("data-note");
    box.textContent = note ? message + "（" + note + "）" : message;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, note ? 6000 : 2400);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (button) {
      var url = button.getAttribute("data-url");
      var isCitation = button.getAttribute("data-copy") === "citation";
      var text = isCitation ? button.getAttribute("data-citation") + " " + url : url;
      copyText(text).then(
        function () {
          button.classList.add("done");
          toast(isCitation ? "已复制引用：" + text : "已复制链接：" + url);
        },
        function () { window.prompt("请复制：", text); }
      );
      return;
    }
    var toggle = event.target.closest("button.filters-toggle");
    if (toggle) {
      var panel = toggle.closest(".filters");
      var open = !panel.classList.contains("open");
      panel.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  // The permalinked item's top (label, date, buttons) just below its section's sticky heading;
  // again once the page (fonts) has loaded, unless the reader has scrolled meanwhile.
  function bringTargetIntoView() {
    var target = document.querySelector(".item.target");
    if (!target) { return; }
    target.scrollIntoView({ block: "start" });
    var placed = window.scrollY;
    target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    window.addEventListener("load", function () {
      if (window.scrollY === placed) { target.scrollIntoView({ block: "start" }); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    bringTargetIntoView();
    document.querySelectorAll(".chart-scroll").forEach(function (box) {
      box.scrollLeft = box.scrollWidth;
    });
  });
})();

// Choose items for a report on search results and issue pages; the choice is kept in
// localStorage, so it survives paging, other searches and other issues, until cleared.
// Without script the checkboxes stay hidden and the whole-search export links still work.
(function () {
  "use strict";

  var KEY = "bulletins.chosen";

  function load() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (c) { return c && typeof c.id === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function save(chosen) {
    try { window.localStorage.setItem(KEY, JSON.stringify(chosen)); } catch (e) { /* private mode: this page only */ }
  }

  function reportHref(base, chosen, extra) {
    var query = chosen.map(function (c) { return "item=" + encodeURIComponent(c.id); });
    if (extra) { query.push(extra); }
    return base + "?" + query.join("&");
  }

  function render(bar, chosen) {
    var count = bar.querySelector(".chosen-count");
    count.textContent = "已选 " + chosen.length + " 条";
    bar.querySelector("a.chosen-docx").href = reportHref(bar.getAttribute("data-docx"), chosen);
    bar.querySelector("a.chosen-page").href = reportHref(bar.getAttribute("data-page"), chosen);
    bar.querySelector("a.chosen-by-department").href = reportHref(bar.getAttribute("data-docx"), chosen, "group=department");
    bar.hidden = chosen.length === 0;
    document.querySelectorAll("input.choose").forEach(function (box) {
      box.checked = chosen.some(function (c) { return c.id === box.value; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bar = document.querySelector(".chosen-bar");
    var boxes = document.querySelectorAll("input.choose");
    if (!bar) { return; }
    boxes.forEach(function (box) {
      var label = box.closest("label");
      if (label) { label.hidden = false; }
    });
    var chosen = load();
    render(bar, chosen);
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("input.choose")) { return; }
      chosen = load().filter(function (c) { return c.id !== box.value; });
      if (box.checked) { chosen.push({ id: box.value, title: box.getAttribute("data-title") || box.value }); }
      save(chosen);
      render(bar, chosen);
    });
    bar.querySelector("button.chosen-clear").addEventListener("click", function () {
      chosen = [];
      save(chosen);
      render(bar, chosen);
    });
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) { chosen = load(); render(bar, chosen); }
    });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("button.print")) { window.print(); }
  });
})();
