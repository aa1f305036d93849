// @ts-check
// Finding the page's elements and making new ones.

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * The page's element for `selector`: index.html has every one the script asks for.
 * @param {string} selector
 */
export const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));
/**
 * The page's input for `selector`.
 * @param {string} selector
 */
export const $input = (selector) => /** @type {HTMLInputElement} */ ($(selector));
/**
 * The page's select for `selector`.
 * @param {string} selector
 */
export const $select = (selector) => /** @type {HTMLSelectElement} */ ($(selector));
/**
 * The page's button for `selector`.
 * @param {string} selector
 */
export const $button = (selector) => /** @type {HTMLButtonElement} */ ($(selector));

/**
 * Creates an element with properties and children (strings become text nodes, never HTML).
 * @example el('td', { class: 'last-change' }, '–')
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'style') node.style.cssText = value;
    else if (key in node) /** @type {Record<string, any>} */ (node)[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}
