// Copy an item's link or citation, and bring a permalinked item into view.
// No inline scripts (the Content-Security-Policy forbids them); no dependencies.
(function () {
  "use strict";

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
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 2400);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) { return; }
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
  });

  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector(".item.target");
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
  });
})();
