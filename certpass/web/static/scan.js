// Camera scan with the browser's BarcodeDetector, where the browser has one. Elsewhere the
// photo upload (decoded on the server) does the same job, so this section stays hidden.
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var box = document.getElementById("scan");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  box.hidden = false;
  document.getElementById("scan-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        function look() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              var url = new URL(codes[0].rawValue, window.location.href);
              var number = url.searchParams.get("number");
              if (number) {
                window.location = "/verify?number=" + encodeURIComponent(number) +
                  "&sha256=" + encodeURIComponent(url.searchParams.get("sha256") || "");
                return;
              }
              status.textContent = codes[0].rawValue;
            }
            requestAnimationFrame(look);
          }).catch(function () { requestAnimationFrame(look); });
        }
        look();
      }).catch(function (e) { status.textContent = String(e); });
  });
})();
