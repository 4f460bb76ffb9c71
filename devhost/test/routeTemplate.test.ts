import { describe, expect, it } from 'vitest';
import { DevhostError } from '../errors.js';
import { byPrecedence, parseRouteTemplate } from '../http/routeTemplate.js';

describe('route templates', () => {
  it('matches literals without regard to case and decodes parameters', () => {
    const route = parseRouteTemplate('images/{id}/share');
    expect(route.match('/Images/abc%2Fdef/SHARE')).toEqual({ id: 'abc/def' });
    expect(route.match('/images/abc/share/')).toEqual({ id: 'abc' });
    expect(route.match('/images/abc')).toBeUndefined();
    expect(route.match('/images//share')).toBeUndefined();
  });

  it('applies constraints, optional and catch-all parameters', () => {
    expect(parseRouteTemplate('items/{id:int}').match('/items/-12')).toEqual({ id: '-12' });
    expect(parseRouteTemplate('items/{id:int}').match('/items/12a')).toBeUndefined();
    expect(parseRouteTemplate('flags/{on:bool}').match('/flags/TRUE')).toEqual({ on: 'TRUE' });
    expect(parseRouteTemplate('items/{page?}').match('/items')).toEqual({});
    expect(parseRouteTemplate('items/{page?}').match('/items/3')).toEqual({ page: '3' });
    expect(parseRouteTemplate('files/{*path}').match('/files/a/b%20c/d.txt')).toEqual({ path: 'a/b c/d.txt' });
  });

  it('splits a complex segment at its last literal, as ASP.NET does', () => {
    expect(parseRouteTemplate('files/{name}.{ext}').match('/files/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
  });

  it('does not match a malformed escape', () => {
    expect(parseRouteTemplate('items/{id}').match('/items/%E0%A4%A')).toBeUndefined();
  });

  it('orders literal segments before constrained, plain, optional and catch-all parameters', () => {
    const templates = ['items/{*rest}', 'items/{id?}', 'items/{id}', 'items/{id:int}', 'items/latest'].map(parseRouteTemplate);
    expect(templates.sort(byPrecedence).map((route) => route.template)).toEqual([
      'items/latest',
      'items/{id:int}',
      'items/{id}',
      'items/{id?}',
      'items/{*rest}',
    ]);
  });

  it('refuses templates it cannot honour', () => {
    expect(() => parseRouteTemplate('items/{id:regex(^a$)}')).toThrow(DevhostError);
    expect(() => parseRouteTemplate('items/{id:int:min(1)}')).toThrow(DevhostError);
    expect(() => parseRouteTemplate('{*rest}/more')).toThrow(DevhostError);
  });
});
