// Voila's loading-screen helpers (voila_setup_helper_functions in the lab template's
// voila_setup.macro.html.j2), as a file: the Content-Security-Policy runs no inline
// script. `pmw serve` never renders progressively (Voila refuses that together with
// preheated kernels) and sets no voila_process or voila_finish of its own, so the
// macro's values for those are written in.
window.voila_heartbeat = function() {
  console.log('Ok, voila is still executing...');
}
window.update_loading_text = function(cell_index, cell_count, text) {
  const spinner = document.getElementById("loading")
  if(spinner && spinner.style.display === "none"){
    spinner.style.display="flex";
  }
  var el = document.getElementById("loading_text");
  let defaultText = `Executing ${cell_index} of ${cell_count}`
  const innerText = text ?? defaultText
  if(el){
    el.innerHTML = innerText;
  }
}
window.display_cells = function() {
  if(!window.themeLoaded){
    window.cellLoaded = true;
    return;
  }
  // remove the loading element
  var el = document.getElementById("loading");
  if(el){
    el.parentNode.removeChild(el);
  }
  // show the cell output
  el = document.getElementById("rendered_cells");
  if(el){
    el.style.display = '';
  }
}

window.voila_process = window.update_loading_text;
window.voila_finish = window.display_cells;
