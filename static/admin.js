// Redraw the poll form with the chosen question's answer fields as soon as the
// question changes (without JavaScript the "Show ... fields" button does the same).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("question");
  var button = document.getElementById("switch-question");
  if (!select || !button) { return; }
  button.hidden = true;
  select.addEventListener("change", function () { button.hidden = false; button.click(); });
});
