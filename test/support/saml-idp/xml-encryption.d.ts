// xml-encryption 3.1.0 ships no types; this covers the two calls the tests make.
declare module 'xml-encryption' {
  interface EncryptOptions {
    rsa_pub: string | Buffer;
    pem: string | Buffer;
    encryptionAlgorithm: string;
    keyEncryptionAlgorithm: string;
    keyEncryptionDigest?: string;
    disallowEncryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
    input_encoding?: BufferEncoding;
  }
  interface DecryptOptions {
    key: string | Buffer;
    disallowDecryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
  }
  type Callback = (error: Error | null, result?: string) => void;
  const xmlenc: {
    encrypt(content: string, options: EncryptOptions, callback: Callback): void;
    decrypt(xml: string, options: DecryptOptions, callback: Callback): void;
  };
  export = xmlenc;
}
