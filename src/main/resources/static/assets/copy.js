// Progressive enhancement: the pages work without JavaScript (the key is in a read-only field to select and copy);
// with it, a button copies the value to the clipboard.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.copy[data-copy-from]")) {
    const field = document.getElementById(button.dataset.copyFrom);
    const status = button.parentElement.querySelector(".copy-status");
    if (!field || !navigator.clipboard) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = "Copied.";
      } catch (e) {
        field.select();
        if (status) status.textContent = "Select the key and copy it with your keyboard.";
      }
    });
  }
});
