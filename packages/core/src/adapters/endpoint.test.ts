import { describe, expect, it } from 'vitest';
import { loopbackPort } from './endpoint.js';

describe('loopbackPort', () => {
  it('gives the port of a loopback endpoint, the scheme default when none is written', () => {
    expect(loopbackPort('http://127.0.0.1:11434')).toBe(11434);
    expect(loopbackPort('http://localhost:8080/v1')).toBe(8080);
    expect(loopbackPort('http://[::1]:9000/v1')).toBe(9000);
    expect(loopbackPort('http://127.8.0.1/v1')).toBe(80);
    expect(loopbackPort('https://localhost/v1')).toBe(443);
    expect(loopbackPort('http://0.0.0.0:11434')).toBe(11434);
  });

  it('is null for another machine or a string that is not a URL', () => {
    expect(loopbackPort('https://api.openai.com/v1')).toBeNull();
    expect(loopbackPort('http://192.168.1.20:11434')).toBeNull();
    expect(loopbackPort('http://127.example.com:80')).toBeNull();
    expect(loopbackPort('not a url')).toBeNull();
  });
});
