import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useSession } from './session.js';

/**
 * A download of an API file. A plain link cannot send the key (and the key goes in no URL),
 * so the file is fetched with it and saved from a blob: URL.
 */
export function DownloadButton({
  path,
  file,
  children,
}: {
  path: string;
  file: string;
  children: ComponentChildren;
}) {
  const { api } = useSession();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        class="secondary"
        data-download={path}
        onClick={async () => {
          setError(null);
          try {
            const url = await api.objectUrl(path);
            const link = document.createElement('a');
            link.href = url;
            link.download = file;
            link.click();
            setTimeout(() => URL.revokeObjectURL(url), 60_000);
          } catch (caught) {
            setError((caught as Error).message);
          }
        }}
      >
        {children}
      </button>
      {error && (
        <span role="alert" class="error small">
          {error}
        </span>
      )}
    </>
  );
}
