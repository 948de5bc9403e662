/**
 * Veil's identity in the files it writes. The implementation class UID is a UUID-derived UID
 * (PS3.5 §B.2) generated once for Veil; the version name must fit SH (16 characters).
 */
export const VEIL_VERSION = '0.1.0';
export const VEIL_IMPLEMENTATION_CLASS_UID = '2.25.262744697917146391372094018364726150943';
export const VEIL_IMPLEMENTATION_VERSION_NAME = `VEIL_${VEIL_VERSION.replace(/\./g, '_')}`;
