// Door page: scan a ticket or card QR code with the phone's camera where the browser can
// (BarcodeDetector); typing the short code always works, so without it the button stays hidden.
(function () {
  "use strict";
  function start(button) {
    var input = document.getElementById(button.dataset.scanTarget);
    var video = document.getElementById("scan-video");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null;
      video.hidden = true;
    }
    function look() {
      if (!stream) { return; }
      detector.detect(video).then(function (codes) {
        if (codes.length) {
          stop();
          input.value = codes[0].rawValue;
          input.form.requestSubmit();
        } else {
          window.setTimeout(look, 250);
        }
      }).catch(function () { window.setTimeout(look, 500); });
    }
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        video.play();
        look();
      }).catch(function () { stop(); input.focus(); });
    });
    button.hidden = false;
  }
  function init() {
    var button = document.getElementById("scan-button");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") !== -1) { start(button); }
    }).catch(function () {});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
