// Progressive enhancement only: every page works without this file.
// - [data-copy] buttons copy the short link to the clipboard (and say so to screen readers)
// - forms with [data-confirm] ask before they submit (the delete page confirms without JS too)
document.addEventListener('click', async (e) => {
  const button = e.target instanceof Element ? e.target.closest('[data-copy]') : null
  if (!button) return
  const text = button.getAttribute('data-copy')
  const label = button.textContent
  try {
    await navigator.clipboard.writeText(text)
    button.textContent = 'Copied'
  } catch {
    window.prompt('Copy the short link:', text)
    return
  }
  button.classList.add('copied')
  button.setAttribute('aria-live', 'polite')
  setTimeout(() => {
    button.textContent = label
    button.classList.remove('copied')
  }, 1500)
})

document.addEventListener('submit', (e) => {
  const form = e.target
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) e.preventDefault()
})
