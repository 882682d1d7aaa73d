// On a first visit the theme's head script sets an empty colour mode, which
// pydata-sphinx-theme rejects with a console error before falling back to "auto".
// Normalise it to "auto" first: same behaviour, clean console.
if (!document.documentElement.dataset.mode) {
  document.documentElement.dataset.mode = "auto";
}
