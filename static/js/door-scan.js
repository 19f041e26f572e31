// Door page: scan a ticket or card QR code with the phone's camera. The button shows only where
// scanning can work: a camera (getUserMedia) and either the browser's own BarcodeDetector or, where
// it has none (iPhone, Firefox), the vendored decoder run in a Worker (qr-scanner-worker-*.js,
// fetched on the first tap, never before). Without JavaScript the button stays hidden; typing the
// short code always works.
(function () {
  "use strict";
  var MAX_SIDE = 640; // frames are scaled down before decoding: enough for a code held up to the phone

  function nativeDetector() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") === -1 ? null : new window.BarcodeDetector({ formats: ["qr_code"] });
    }).catch(function () { return null; });
  }

  function workerDecoder(url) {
    // detect(video) -> Promise of the text read, or null; the Worker is made on the first call.
    var worker = null, canvas = null, context = null, waiting = {}, nextId = 0;
    return {
      detect: function (video) {
        if (!worker) {
          worker = new Worker(url);
          worker.onmessage = function (event) {
            var done = waiting[event.data.id];
            delete waiting[event.data.id];
            if (done) { done(event.data.data); }
          };
          canvas = document.createElement("canvas");
          context = canvas.getContext("2d", { willReadFrequently: true });
        }
        var scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth || 1, video.videoHeight || 1));
        canvas.width = Math.max(1, Math.round(video.videoWidth * scale));
        canvas.height = Math.max(1, Math.round(video.videoHeight * scale));
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var id = nextId++;
        return new Promise(function (resolve) {
          waiting[id] = resolve;
          worker.postMessage({ id: id, type: "decode", data: image }, [image.data.buffer]);
        });
      }
    };
  }

  function start(button, detect) {
    var input = document.getElementById(button.dataset.scanTarget);
    var video = document.getElementById("scan-video");
    var stream = null;
    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null;
      video.hidden = true;
    }
    function look() {
      if (!stream) { return; }
      if (video.readyState < 2) { window.setTimeout(look, 200); return; }
      detect(video).then(function (text) {
        if (text && stream) {
          stop();
          input.value = text;
          if (navigator.vibrate) { navigator.vibrate(60); }
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
    if (!button || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    nativeDetector().then(function (detector) {
      if (detector) {
        start(button, function (video) {
          return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
        });
      } else if (window.Worker && button.dataset.decoder && document.createElement("canvas").getContext) {
        start(button, workerDecoder(button.dataset.decoder).detect);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
