// The escaping template every page is built with: values are text unless they are our own markup.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { html, isSafeHtml, raw } from '../../src/http/views/html.js';

describe('html tagged template', () => {
  test('escapes & < > " \' in text', () => {
    assert.equal(html`<p>${`Tom & "Jerry" <b>'s</b>`}</p>`.text, '<p>Tom &#38; &#34;Jerry&#34; &#60;b&#62;&#39;s&#60;/b&#62;</p>');
  });

  test('escapes attribute values so they cannot close the attribute', () => {
    const value = `" onmouseover='alert(1)' x="`;
    const out = html`<a href="${value}" title='${value}'>x</a>`.text;
    assert.equal(out, '<a href="&#34; onmouseover=&#39;alert(1)&#39; x=&#34;" title=\'&#34; onmouseover=&#39;alert(1)&#39; x=&#34;\'>x</a>');
    assert.ok(!out.includes(`" onmouseover`));
  });

  test('nests html`` (and raw()) without escaping twice', () => {
    const inner = html`<em>${'a < b'}</em>`;
    assert.equal(html`<p>${inner}</p>`.text, '<p><em>a &#60; b</em></p>');
    assert.equal(html`<div>${html`<p>${inner}</p>`}</div>`.text, '<div><p><em>a &#60; b</em></p></div>');
    assert.equal(html`${raw('<hr>')}`.text, '<hr>');
    assert.ok(isSafeHtml(inner));
    assert.ok(!isSafeHtml('<em>a</em>'));
  });

  test('a string that looks like markup is still text', () => {
    assert.equal(html`${'<em>x</em>'}`.text, '&#60;em&#62;x&#60;/em&#62;');
    assert.equal(html`${{ text: '<b>', toString: () => '<b>' }}`.text, '&#60;b&#62;');
  });

  test('joins arrays, escaping their strings and keeping their markup', () => {
    const items = ['<a>', 'b&c'];
    assert.equal(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`.text, '<ul><li>&#60;a&#62;</li><li>b&#38;c</li></ul>');
    assert.equal(html`${['<x>', html`<y>`, ['&', null]]}`.text, '&#60;x&#62;<y>&#38;');
  });

  test('drops null, undefined and false; keeps 0 and true as text', () => {
    assert.equal(html`[${null}|${undefined}|${false}]`.text, '[||]');
    assert.equal(html`[${0}|${true}|${''}]`.text, '[0|true|]');
  });

  test('renders as its text where a string is expected', () => {
    assert.equal(`${html`<p>${'&'}</p>`}`, '<p>&#38;</p>');
  });
});
