// factdb serve: small conveniences on top of pages that work without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The queue's choices filter at once (the Filter button does the same without script).
  for (const select of document.querySelectorAll("form.filters select")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // A long passage scrolls within its box: bring the marked sentence into view.
  for (const mark of document.querySelectorAll(".passage mark.sentence")) {
    const box = mark.closest(".passage");
    box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
  }
});
