/**
 * Routes are features: each lives in its own folder and loads on demand, so the verify link
 * carries the verify route's code and no other.
 */
import { createBrowserRouter } from "react-router";
import { Layout, NotFound, RouteError } from "../ui/Layout.js";
import { LandingPage } from "./landing/LandingPage.js";

export function createAppRouter() {
  return createBrowserRouter([
    {
      path: "/",
      element: <Layout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <LandingPage /> },
        {
          path: "verify/:slug",
          lazy: async () => ({ Component: (await import("./verify/VerifyPage.js")).VerifyPage }),
        },
        {
          path: "account",
          lazy: async () => ({ Component: (await import("./account/AccountPage.js")).AccountPage }),
        },
        // The tenant dashboard: one lazy route tree, so that neither the verify nor the account
        // route ever loads its code.
        {
          path: "dashboard/*",
          lazy: async () => ({ Component: (await import("../dashboard/DashboardRoutes.js")).DashboardRoutes }),
        },
        { path: "*", element: <NotFound /> },
      ],
    },
  ]);
}
