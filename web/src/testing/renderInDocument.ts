import { act, createElement, type FunctionComponent } from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

/** Renders one component into the test's DOM (a per-file `@vitest-environment happy-dom`); returns its container. */
export async function renderInDocument<Props extends object>(component: FunctionComponent<Props>, props: Props) {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(createElement(component, props)));
  return {
    container,
    rerender: (next: Props) => act(async () => root.render(createElement(component, next))),
    unmount: () => act(async () => root.unmount()).then(() => container.remove()),
  };
}

/** Sets a form control's value the way a person does, so that React's onChange hears it. */
export async function typeInto(element: HTMLInputElement, value: string): Promise<void> {
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  if (!setValue) throw new Error('This DOM has no value setter on HTMLInputElement.');
  await act(async () => {
    setValue.call(element, value);
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
