/** Stylesheets are bundled by Vite; importing one yields nothing the code uses. */
declare module "*.css";
