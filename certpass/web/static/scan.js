// Scan a passport's QR code in the browser, with the camera or from a picked photo.
// The browser's BarcodeDetector where it has one that reads QR codes; elsewhere (Firefox,
// Safari, desktop Chromium) the vendored jsQR decoder, loaded from /static only then.
// Nothing leaves the browser but the certificate number and hash the code carries.
// No inline script, handler or style: it works under a strict Content-Security-Policy.
(function () {
  "use strict";
  var DECODER_SRC = "/static/vendor/jsqr/jsQR.js";
  var box = document.getElementById("scan");
  if (!box) return;
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var start = document.getElementById("scan-start");
  var picker = document.getElementById("scan-file");
  var canvas = document.createElement("canvas");
  var context2d = canvas.getContext("2d", { willReadFrequently: true });
  var decoder = null;
  var loading = null;

  function say(key, extra) {
    status.textContent = (box.getAttribute("data-msg-" + key) || key) + (extra ? " " + extra : "");
  }

  function nativeDetector() {
    var Detector = window.BarcodeDetector;
    if (typeof Detector !== "function") return Promise.resolve(null);
    var formats = typeof Detector.getSupportedFormats === "function"
      ? Detector.getSupportedFormats() : Promise.resolve(["qr_code"]);
    return formats.then(function (supported) {
      return supported.indexOf("qr_code") >= 0 ? new Detector({ formats: ["qr_code"] }) : null;
    }).catch(function () { return null; });
  }

  function loadJsQR() {
    if (typeof window.jsQR === "function") return Promise.resolve(window.jsQR);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = DECODER_SRC;
        script.async = true;
        script.addEventListener("load", function () {
          if (typeof window.jsQR === "function") resolve(window.jsQR);
          else reject(new Error("the QR decoder did not load"));
        });
        script.addEventListener("error", function () {
          loading = null;
          reject(new Error("the QR decoder did not load"));
        });
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // jsQR reads RGBA pixels: draw the source no larger than `longest` pixels on a canvas.
  function jsqrReader(jsQR) {
    return function (source, longest) {
      var w = source.videoWidth || source.naturalWidth || source.width;
      var h = source.videoHeight || source.naturalHeight || source.height;
      if (!w || !h) return Promise.resolve(null);
      var scale = Math.min(1, (longest || 960) / Math.max(w, h));
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      context2d.drawImage(source, 0, 0, canvas.width, canvas.height);
      var pixels = context2d.getImageData(0, 0, canvas.width, canvas.height);
      var code = jsQR(pixels.data, pixels.width, pixels.height,
                      { inversionAttempts: "attemptBoth" });
      return Promise.resolve(code ? code.data : null);
    };
  }

  // A reader: (video or image, longest side) → Promise of the code's text, or null.
  function reader() {
    if (!decoder) {
      decoder = nativeDetector().then(function (detector) {
        box.setAttribute("data-decoder", detector ? "BarcodeDetector" : "jsQR");
        if (detector) {
          return function (source) {
            return detector.detect(source).then(function (codes) {
              return codes.length ? codes[0].rawValue : null;
            });
          };
        }
        return loadJsQR().then(jsqrReader);
      });
      decoder.catch(function () { decoder = null; });
    }
    return decoder;
  }

  function found(text) {
    var url = null;
    try { url = new URL(text, window.location.href); } catch (e) { url = null; }
    // A resolver URL (/id/certificates/{number}?sha256=...), or an earlier passport's
    // verify URL (/verify?number=...&sha256=...).
    var number = url && url.searchParams.get("number");
    var resolver = url && url.pathname.match(/^\/id\/certificates\/(.+)$/);
    if (resolver) {
      try { number = decodeURIComponent(resolver[1]); } catch (e) { number = null; }
    }
    if (!number) {
      say("not-passport", text);
      return false;
    }
    window.location.assign("/verify?number=" + encodeURIComponent(number) + "&sha256=" +
                           encodeURIComponent(url.searchParams.get("sha256") || ""));
    return true;
  }

  function scanCamera() {
    say("starting");
    Promise.all([reader(), navigator.mediaDevices.getUserMedia(
      { video: { facingMode: "environment" }, audio: false })])
      .then(function (both) {
        var read = both[0], stream = both[1];
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        say("looking");
        var tries = 0;
        function stop() { stream.getTracks().forEach(function (t) { t.stop(); }); }
        function look() {
          if (tries++ > 3000) { stop(); say("gave-up"); return; }  // about 5 minutes
          read(video, 960).then(function (text) {
            if (text) { stop(); if (found(text)) return; }
            else window.setTimeout(look, 100);
          }).catch(function () { window.setTimeout(look, 200); });
        }
        look();
      })
      .catch(function (e) { say("no-camera", String(e && e.message || e)); });
  }

  // The picked file as something drawable, without a blob: URL (the page's policy allows
  // images from 'self' and data: only): an ImageBitmap, or a data: URL where that is missing.
  function pictureOf(file) {
    if (typeof window.createImageBitmap === "function") return window.createImageBitmap(file);
    return new Promise(function (resolve, reject) {
      var fileReader = new FileReader();
      fileReader.addEventListener("load", function () {
        var image = new Image();
        image.addEventListener("load", function () { resolve(image); });
        image.addEventListener("error", function () { reject(new Error("not-image")); });
        image.src = fileReader.result;
      });
      fileReader.addEventListener("error", function () { reject(new Error("not-image")); });
      fileReader.readAsDataURL(file);
    });
  }

  function scanPicture(file) {
    if (!file) return;
    say("reading");
    pictureOf(file).then(function (picture) {
      return reader().then(function (read) {
        // A phone photo is large: try it reduced, then closer to full size.
        return read(picture, 1600).then(function (text) {
          return text || read(picture, 3200);
        });
      }).then(function (text) {
        if (text) found(text);
        else say("none");
      }, function (e) {
        say("failed", String(e && e.message || e));
      });
    }, function () {
      say("not-image");
    });
  }

  box.hidden = false;
  if (navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function") {
    start.hidden = false;
    start.addEventListener("click", scanCamera);
  }
  picker.addEventListener("change", function () { scanPicture(picker.files && picker.files[0]); });
})();
