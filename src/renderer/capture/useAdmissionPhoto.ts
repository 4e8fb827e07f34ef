import { useEffect, useState } from 'react';
import type { AdmissionPhotoState } from '../components/FaceMatchPanel';
import { useRpc } from '../hooks/useRpc';
import { base64ToBlob } from './grabStill';

/** The student's admission photo as an object URL (released when the student changes); undefined while loading. */
export function useAdmissionPhoto(studentId: string | null): { admission: AdmissionPhotoState | undefined; error: unknown } {
  const client = useRpc();
  const [admission, setAdmission] = useState<AdmissionPhotoState | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!studentId) return;
    let current = true;
    let url: string | null = null;
    setAdmission(undefined);
    client.call('faceMatch.admission', { studentId }).then(
      (r) => {
        if (!current) return;
        url = r.photoJpegBase64 ? URL.createObjectURL(base64ToBlob(r.photoJpegBase64, 'image/jpeg')) : null;
        setAdmission({ present: r.present, photoUrl: url, issues: r.issues });
      },
      (caught: unknown) => current && setError(caught),
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [client, studentId]);
  return { admission, error };
}
