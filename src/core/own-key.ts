/**
 * `obj[key] = value`, as an own property even when the key is `__proto__`:
 * plain assignment would set the object's prototype instead, and the entry
 * would vanish from the output (a script file named `__proto__` would be
 * applied as a ConfigMap with no data).
 */
export function setOwn<T>(obj: { [key: string]: T }, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
