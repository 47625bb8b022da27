// Renders one Questionnaire with the SDC reference renderer (@aehrc/smart-forms-renderer) and records what went
// wrong, for the browser test that drives this page (tests/Coverage.Server.Tests/Dtr/SdcRendererTests.cs).
import React from 'react';
import { createRoot } from 'react-dom/client';
import { SmartFormsRenderer } from '@aehrc/smart-forms-renderer';

// Everything the page or the renderer reports as an error: the test fails on any of them.
window.sdcRender = { errors: [] };
window.addEventListener('error', (event) => window.sdcRender.errors.push(`error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => window.sdcRender.errors.push(`unhandled rejection: ${event.reason}`));

class ErrorBoundary extends React.Component {
  constructor(props) {
    super(props);
    this.state = { error: null };
  }

  static getDerivedStateFromError(error) {
    return { error };
  }

  componentDidCatch(error) {
    window.sdcRender.errors.push(`render: ${error && error.stack ? error.stack : error}`);
  }

  render() {
    return this.state.error ? <pre id="render-error">{String(this.state.error)}</pre> : this.props.children;
  }
}

async function main() {
  // ?questionnaire=<name> names questionnaires/<name>.json beside this page (the test serves it).
  const name = new URLSearchParams(window.location.search).get('questionnaire');
  const response = await fetch(`questionnaires/${encodeURIComponent(name)}.json`);
  if (!response.ok) throw new Error(`questionnaires/${name}.json: HTTP ${response.status}`);
  const questionnaire = await response.json();
  // Choice answers come from answerValueSet: the renderer expands them at this terminology server (the test answers
  // with the ValueSets of the questionnaire's own package), never at a public one.
  createRoot(document.getElementById('root')).render(
    <ErrorBoundary>
      <SmartFormsRenderer questionnaire={questionnaire} terminologyServerUrl={`${window.location.origin}/tx`} />
    </ErrorBoundary>,
  );
  document.body.dataset.loaded = 'true';
}

main().catch((error) => window.sdcRender.errors.push(`load: ${error}`));
