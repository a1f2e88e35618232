// Copy buttons: <button data-copy="#id"> copies the address of that link (or its text). A file
// of its own because the Content-Security-Policy allows no inline script.
"use strict";

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  const text = source.href || source.textContent.trim();
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  try {
    // Only pages served over HTTPS (or from this computer) may write to the clipboard.
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    button.textContent = "Selected: press Ctrl+C";
  }
  setTimeout(() => { button.textContent = label; }, 3000);
});
