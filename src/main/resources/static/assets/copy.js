// Progressive enhancement: the pages work without JavaScript (the key is in a read-only field, the snippets and
// values in code blocks, to select and copy); with it, each "Copy" button copies its element's exact text to the
// clipboard and says so in a status next to it, which screen readers announce (role=status, aria-live).
// A file of its own because the Content-Security-Policy allows scripts from 'self' only, never inline ones.
document.addEventListener("DOMContentLoaded", () => {
  const statuses = () => document.querySelectorAll(".copy-status");

  const textOf = (element) =>
    element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element.value : element.textContent;

  const select = (element) => {
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
      element.select();
    } else {
      window.getSelection().selectAllChildren(element);
    }
  };

  // The clipboard API exists only in secure contexts (https, localhost); elsewhere the selection is copied the old way.
  const copy = async (element) => {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(textOf(element));
      return;
    }
    select(element);
    if (!document.execCommand("copy")) {
      throw new Error("copying is not allowed here");
    }
  };

  for (const button of document.querySelectorAll("button.copy[data-copy-from]")) {
    const source = document.getElementById(button.dataset.copyFrom);
    const status = button.parentElement.querySelector(".copy-status");
    if (!source) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      // one confirmation at a time, and a fresh one each click, so that it is announced again
      statuses().forEach((other) => { other.textContent = ""; });
      let said;
      try {
        await copy(source);
        said = "Copied.";
      } catch (e) {
        select(source);
        said = "Selected: copy it with your keyboard (Ctrl+C or ⌘C).";
      }
      if (status) {
        setTimeout(() => { status.textContent = said; }, 50);
      }
    });
  }
});
