import { Suspense } from "react";
import { AuthForm } from "@/components/AuthForm";

export const dynamic = "force-dynamic";

export default function SetupPage() {
  return (
    <Suspense>
      <AuthForm mode="setup" />
    </Suspense>
  );
}
